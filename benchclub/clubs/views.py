"""Views of the clubs feature."""
from flask import Blueprint

bp = Blueprint("clubs", __name__)
