"""The I/O shell: calls fetch, parse, detect, track and the store in order; decides nothing."""
