"""The maps: GeoJSON by bbox with server-side clustering (features), each audience's fields
(audience), parameter checking (params, query), popups (detail), the base map from the
gazetteer (layers), map page settings (page); what the public may see is webmap.privacy."""
