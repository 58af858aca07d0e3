"""Views of the consents feature."""
from flask import Blueprint

bp = Blueprint("consents", __name__)
