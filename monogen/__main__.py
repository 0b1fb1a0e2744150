from monogen.entry import main

main()
