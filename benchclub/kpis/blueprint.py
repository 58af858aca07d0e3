"""The kpis blueprint on its own, so that every view module of the feature can import it without cycles."""
from flask import Blueprint

bp = Blueprint("kpis", __name__, url_prefix="/kpis")
