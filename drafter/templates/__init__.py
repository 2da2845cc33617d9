"""Template folders: find, load and extend them, read their outlines, check them, scaffold new ones."""
