// Progressive enhancement for the customer pages; everything works without it.
// - "Switch to this" / "Cancel this item" open their confirm panel in place (no page load),
//   so a switch stays two clicks: pick, confirm.
// - The panel, message or options a page was opened for get the keyboard focus.
(function () {
  'use strict'
  function show(panel) {
    var open = document.querySelectorAll('.confirm:not([hidden])')
    for (var i = 0; i < open.length; i++) if (open[i] !== panel) open[i].hidden = true
    panel.hidden = false
    panel.focus()
  }
  document.addEventListener('click', function (e) {
    var pick = e.target.closest && e.target.closest('[data-pick]')
    if (pick) {
      var panel = document.getElementById(pick.getAttribute('data-pick'))
      if (panel) { e.preventDefault(); show(panel) }
      return
    }
    var unpick = e.target.closest && e.target.closest('[data-unpick]')
    if (unpick) {
      var box = unpick.closest('.confirm')
      if (box) {
        e.preventDefault()
        box.hidden = true
        var opener = document.querySelector('[data-pick="' + box.id + '"]')
        if (opener) opener.focus()
      }
    }
  })
  document.addEventListener('DOMContentLoaded', function () {
    var target = document.querySelector('.confirm:not([hidden])') || document.querySelector('[data-focus]')
    if (target) {
      if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1')
      target.focus()
      if (target.scrollIntoView) target.scrollIntoView({ block: 'start' })
    }
  })
})()
