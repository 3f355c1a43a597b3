// webmap: one way for a page's filter controls, the URL's hash and the query strings of its
// requests to agree. ``WebMap.filters(container, spec)`` names each control and its kind:
//   "list"  checkboxes sharing a name: the ticked values (hash: "a,b"; "none" if none is ticked
//           while some are ticked by default, so that "nothing" survives a reload);
//   "some"  like "list", but all ticked means no filter: [] (hash: absent);
//   "flag"  one checkbox: "1" or "" (hash: "0" when a checkbox ticked by default is not);
//   "value" a select, an input or a group of radio buttons: its value.
// The hash uses the controls' names, so a shared link opens the same view with the same filters.
(function () {
  "use strict";
  var W = window.WebMap;

  W.filters = function (container, spec) {
    function inputs(name) { return Array.prototype.slice.call(container.querySelectorAll("[name='" + name + "']")); }
    var names = Object.keys(spec).filter(function (n) { return inputs(n).length > 0; }); // a page may lack some
    function checked(name) { return inputs(name).filter(function (i) { return i.checked; }).map(function (i) { return i.value; }); }

    function get(name) {
      var kind = spec[name], all = inputs(name);
      if (kind === "list") { return checked(name); }
      if (kind === "some") { var on = checked(name); return on.length === all.length ? [] : on; }
      if (kind === "flag") { return all[0].checked ? "1" : ""; }
      if (all[0].type === "radio") { return checked(name)[0] || ""; }
      return all[0].value;
    }

    // The hash's text for one control: what get() gives, plus the tokens that keep a default-off state.
    function hashValue(name) {
      var kind = spec[name], all = inputs(name), value = get(name);
      var byDefault = all.some(function (i) { return i.defaultChecked; });
      if (kind === "list" && !value.length && byDefault) { return "none"; }
      if (kind === "some" && !checked(name).length) { return "none"; }
      if (kind === "flag" && !value && all[0].defaultChecked) { return "0"; }
      return Array.isArray(value) ? value.join(",") : value;
    }

    function set(name, text) {
      var kind = spec[name], all = inputs(name);
      if (kind === "list" || kind === "some") {
        var wanted = text ? text.split(",") : null; // "" for "some": all ticked
        all.forEach(function (i) { i.checked = wanted ? wanted.indexOf(i.value) >= 0 : kind === "some"; });
      } else if (kind === "flag") {
        all[0].checked = text === "1";
      } else if (all[0].type === "radio") {
        all.forEach(function (i) { i.checked = i.value === text; });
      } else {
        all[0].value = text;
      }
    }

    function pick(from, only) {
      var out = {};
      (only || names).forEach(function (n) { out[n] = from[n]; });
      return out;
    }

    // Whether a control is as the page made it (its default tick, value or selected option).
    function atDefault(i) {
      if (i.type === "checkbox" || i.type === "radio") { return i.checked === i.defaultChecked; }
      if (i.tagName === "SELECT") {
        var chosen = 0; // with no option marked selected, a select starts on its first
        for (var k = 0; k < i.options.length; k++) { if (i.options[k].defaultSelected) { chosen = k; } }
        return i.selectedIndex === chosen;
      }
      return i.value === i.defaultValue;
    }

    return {
      checked: checked,
      // True while every control is as the page made it: the default filters.
      atDefaults: function () { return names.every(function (n) { return inputs(n).every(atDefault); }); },
      // The controls' values: arrays for "list" and "some", strings otherwise.
      state: function () { var s = {}; names.forEach(function (n) { s[n] = get(n); }); return s; },
      // Sets the controls from the URL's hash (those it names); returns the whole parsed hash.
      fromHash: function () {
        var h = W.readHash();
        names.forEach(function (n) { if (h[n] !== undefined) { set(n, h[n]); } });
        return h;
      },
      // Writes the map's view and the controls to the hash (replacing the history entry).
      toHash: function (map) { var h = {}; names.forEach(function (n) { h[n] = hashValue(n); }); W.writeHash(map, h); },
      // A query string of the controls ``only`` names (default all) and ``extra``, empty values left out.
      query: function (extra, only) {
        var params = pick(this.state(), only);
        Object.keys(extra || {}).forEach(function (k) { params[k] = extra[k]; });
        return W.query(params);
      }
    };
  };
})();
