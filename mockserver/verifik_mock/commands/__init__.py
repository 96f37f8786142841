"""The subcommands of ``verifik-mock``, one module each."""
