from monogen.cli import main

main()
