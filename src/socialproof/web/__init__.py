"""The local web app: a thin layer over the same library functions the CLI uses."""
