"""Legal context: jurisdictions, where each law applies, who does what (roles, agreements) and on what basis."""
