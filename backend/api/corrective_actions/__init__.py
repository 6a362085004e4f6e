"""Corrective and preventive actions (Art. 25.3) in the API."""
