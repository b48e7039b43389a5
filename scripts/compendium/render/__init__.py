"""What the site and the print edition share when they turn records into a page: the sanitizer."""
