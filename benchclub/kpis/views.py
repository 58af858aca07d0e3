"""Views of the kpis feature."""
from flask import Blueprint

bp = Blueprint("kpis", __name__)
