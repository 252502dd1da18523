"""The GitHub adapter: REST and GraphQL reads and writes for one pull request."""
