"""What the site and the print edition share when they turn records into pages: templates and the sanitizer."""
