from biotm.cli import main

main()
