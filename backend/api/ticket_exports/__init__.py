"""The archive export of tickets (Art. 25.2) in the API; the download is GET /exports/<id>."""
