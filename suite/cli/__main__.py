"""``python -m suite.cli``: the same CLI, importing the project from the working directory."""

from suite.cli import main

main()
