"""Views of the notifications feature."""
from flask import Blueprint

bp = Blueprint("notifications", __name__)
