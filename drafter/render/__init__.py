"""From template and answers to a Document: the sandboxed Jinja environment, Chinese filters and helpers, dated formulations, the pipeline behind the commands and batch rendering."""
