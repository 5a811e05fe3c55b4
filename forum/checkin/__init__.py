"""On-site check-in: points, the check-in history, the scanner page, the kiosk and the live dashboard."""
