"""A trainer's epochs in a child process, reported back over a JSON + raw-array wire."""
