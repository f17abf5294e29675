// "Add another row" on the staff-time form without reloading the page. Without JavaScript the
// same button posts the form and the page comes back with one more row, nothing lost.
// The new row is a copy of the form's <template> row: its __prefix__ becomes the next form
// index and __row__ its row number; the formset's TOTAL_FORMS count goes up by one.
;(function () {
  'use strict'

  var form = document.querySelector('[data-staff-time-form]')
  if (!form) return
  var button = form.querySelector('[data-staff-time-add]')
  var template = form.querySelector('template[data-staff-time-new-row]')
  var rows = form.querySelector('[data-staff-time-rows]')
  var status = form.querySelector('[data-staff-time-status]')
  var total = form.querySelector('input[name$="-TOTAL_FORMS"]')
  var max = form.querySelector('input[name$="-MAX_NUM_FORMS"]')
  if (!button || !template || !rows || !total) return

  // The number of the next new row: one after the highest row number drawn.
  function nextRowNumber () {
    var highest = 0
    rows.querySelectorAll('tr[data-row]').forEach(function (tr) {
      var number = parseInt(tr.getAttribute('data-row'), 10)
      if (number > highest) highest = number
    })
    return highest + 1
  }

  button.addEventListener('click', function (event) {
    var index = parseInt(total.value, 10)
    var limit = max ? parseInt(max.value, 10) : Infinity
    if (index >= limit) {
      // Let the server say so: it asks to save these rows first.
      return
    }
    event.preventDefault()
    var row = nextRowNumber()
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__row__/g, String(row))
    var holder = document.createElement('tbody')
    holder.innerHTML = html
    var added = holder.firstElementChild
    rows.appendChild(added)
    total.value = String(index + 1)
    if (status) status.textContent = 'Row ' + row + ' added'
    var first = added.querySelector('select, input:not([type=hidden])')
    if (first) first.focus()
  })
})()
