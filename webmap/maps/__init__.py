"""The maps: GeoJSON by bbox with server-side clustering (features), each audience's fields
(audience), parameter checking (params, query), popups (detail), the base map from the
gazetteer (layers), map page settings (page); offline
folium assets (offline) for the benchmark's folium pages."""
