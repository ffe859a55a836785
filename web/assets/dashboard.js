// Draws each dashboard chart from the table of numbers beside it. The table stays in view (for
// screen readers, without JavaScript, and for the figures themselves); each series' colour comes
// from its column header (the server's Okabe–Ito palette), so table and chart match.
(function () {
  'use strict'
  // Lines also differ by dash and point shape: colour is never the only cue.
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 2], [8, 2]]
  var POINTS = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star']
  function readTable(table) {
    var skip = (table.getAttribute('data-table-only') || '').split('|').filter(Boolean)
    var heads = Array.prototype.slice.call(table.querySelectorAll('thead th'), 1)
    var rows = table.querySelectorAll('tbody tr')
    var labels = []
    var series = heads.map(function (th) { return { name: th.textContent, color: th.getAttribute('data-color') || '#000000', values: [] } })
    Array.prototype.forEach.call(rows, function (tr) {
      labels.push(tr.querySelector('th').textContent)
      Array.prototype.forEach.call(tr.querySelectorAll('td'), function (td, i) { series[i].values.push(Number(td.getAttribute('data-v'))) })
    })
    heads.forEach(function (th) {
      var swatch = th.querySelector('.swatch')
      if (swatch) swatch.style.backgroundColor = th.getAttribute('data-color')
    })
    return { labels: labels, series: series.filter(function (s) { return skip.indexOf(s.name) < 0 }) }
  }
  function draw(table) {
    var canvas = document.getElementById(table.getAttribute('data-canvas'))
    if (!canvas || !window.Chart) return
    var kind = table.getAttribute('data-chart')
    var data = readTable(table)
    var stacked = kind === 'stacked-bar'
    var line = kind === 'line'
    new window.Chart(canvas, {
      type: line ? 'line' : 'bar',
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return {
            label: s.name, data: s.values, backgroundColor: s.color, borderColor: s.color, tension: 0.2,
            borderWidth: line ? 2 : 1, borderDash: line ? DASHES[i % DASHES.length] : [],
            pointStyle: POINTS[i % POINTS.length], pointRadius: line ? 3 : 0,
          }
        }),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true } },
        plugins: { legend: { position: 'bottom', labels: { usePointStyle: line } } },
      },
    })
    document.documentElement.setAttribute('data-charts-drawn', String(Number(document.documentElement.getAttribute('data-charts-drawn') || 0) + 1))
  }
  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('table[data-chart]'), draw)
  })
})()
