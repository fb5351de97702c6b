"""The offline demo: bundled synthetic feeds and a local HTTP server for them."""
