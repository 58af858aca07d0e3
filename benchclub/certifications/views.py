"""Views of the certifications feature."""
from flask import Blueprint

bp = Blueprint("certifications", __name__)
