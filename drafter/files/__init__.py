"""drafter's dealings with the file system: user folders, the cache, safe YAML reading and its schema helper, safe .docx opening, size-capped input and decoding, atomic output."""
