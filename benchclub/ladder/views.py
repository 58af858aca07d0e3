"""Views of the ladder feature."""
from flask import Blueprint

bp = Blueprint("ladder", __name__)
