"""The geographic core of webmap: address parsing, the gazetteer, the geocoder.

Nothing here imports Flask or the ``webmap`` package, so the same code serves the
web app, the CLI and batch tools.
"""
