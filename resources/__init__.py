"""Files the app loads at run time (installed as ``desktop.resources``): the page bridge, the icon."""
