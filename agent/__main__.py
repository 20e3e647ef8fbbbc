"""`python -m agent dev|start|console|connect ...`: the LiveKit worker CLI."""

from agent.worker import main

if __name__ == "__main__":
    main()
