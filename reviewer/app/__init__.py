"""Entry points and wiring: settings, action mode, local mode, the review engine, Actions I/O."""
