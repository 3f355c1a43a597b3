"""Building the folium maps that pages embed."""
