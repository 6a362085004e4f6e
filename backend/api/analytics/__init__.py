"""Return analytics (Art. 25.2) for dashboards and partner BI."""
