"""The pure core: data in, data out. No network, no environment, no I/O."""
