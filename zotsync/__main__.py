from zotsync.cli import main

main()
