"""Output targets: each turns the build model into the files of one artifact set."""
