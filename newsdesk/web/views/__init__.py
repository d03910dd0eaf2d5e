"""The public site's views: pages, search, images and the machine-readable files."""
