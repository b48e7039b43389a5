"""The website: generated pages, open data, the search index, and HTML made ahead for MkDocs."""
