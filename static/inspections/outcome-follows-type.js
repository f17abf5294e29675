// The event form's outcome list follows the chosen inspection type (progressive enhancement).
// Without JavaScript the list groups every type's outcomes under its type's name and the server
// refuses a mismatch; with it, only the chosen type's outcomes are offered, updated whenever the
// type changes. Options carry their type's id (data-inspection-type); the outcome select names
// the type select it follows (data-outcome-follows).
;(function () {
  'use strict'

  function follow (outcome) {
    var type = document.getElementById(outcome.getAttribute('data-outcome-follows'))
    if (!type) return
    // Every option as the server drew it, in order, with the group it sat in.
    var all = []
    Array.prototype.forEach.call(outcome.options, function (option) {
      var group = option.parentNode.tagName === 'OPTGROUP' ? option.parentNode.label : null
      all.push({ option: option, type: option.getAttribute('data-inspection-type'), group: group })
    })

    function offer () {
      var chosen = type.value
      var selected = outcome.value
      while (outcome.firstChild) outcome.removeChild(outcome.firstChild)
      var keep = false
      all.forEach(function (item) {
        // The empty choice ("Not recorded yet") stays; typed outcomes only for the chosen type.
        if (item.type !== null && item.type !== chosen) return
        item.option.selected = item.option.value === selected
        if (item.option.selected) keep = true
        outcome.appendChild(item.option)
      })
      if (!keep) outcome.value = ''
      // No type chosen: nothing but "Not recorded yet" to choose from.
      outcome.setAttribute('data-outcomes-offered', String(outcome.options.length - 1))
    }

    type.addEventListener('change', offer)
    offer()
  }

  document.querySelectorAll('select[data-outcome-follows]').forEach(follow)
})()
