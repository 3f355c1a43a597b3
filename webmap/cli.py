"""The ``webmap`` console script: the Flask CLI of this app."""

from flask.cli import FlaskGroup

from webmap import create_app

main = FlaskGroup(create_app=lambda: create_app(), help="webmap: the town's problems and works on a map.")
