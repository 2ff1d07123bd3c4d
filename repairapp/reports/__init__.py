"""Reports for admins and managers: the figures a service review prices contracts on."""
