// Draws each dashboard chart from the table of numbers beside it (the table stays in the page
// for screen readers; once the chart is drawn it is moved out of sight, not removed).
(function () {
  'use strict'
  var COLORS = ['#0a5c8a', '#c2410c', '#1e6b34', '#7c3aed', '#a3261b', '#0f766e', '#a16207', '#be185d', '#4a5565', '#2563eb']
  function readTable(table) {
    var skip = (table.getAttribute('data-table-only') || '').split('|').filter(Boolean)
    var heads = Array.prototype.map.call(table.querySelectorAll('thead th'), function (th) { return th.textContent })
    var rows = table.querySelectorAll('tbody tr')
    var labels = []
    var series = heads.slice(1).map(function (name) { return { name: name, values: [] } })
    Array.prototype.forEach.call(rows, function (tr) {
      labels.push(tr.querySelector('th').textContent)
      Array.prototype.forEach.call(tr.querySelectorAll('td'), function (td, i) { series[i].values.push(Number(td.getAttribute('data-v'))) })
    })
    return { labels: labels, series: series.filter(function (s) { return skip.indexOf(s.name) < 0 }) }
  }
  function draw(table) {
    var canvas = document.getElementById(table.getAttribute('data-canvas'))
    if (!canvas || !window.Chart) return
    var kind = table.getAttribute('data-chart')
    var data = readTable(table)
    var stacked = kind === 'stacked-bar'
    new window.Chart(canvas, {
      type: kind === 'line' ? 'line' : 'bar',
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s, i) {
          return { label: s.name, data: s.values, backgroundColor: COLORS[i % COLORS.length], borderColor: COLORS[i % COLORS.length], tension: 0.2, pointRadius: 2 }
        }),
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { stacked: stacked }, y: { stacked: stacked, beginAtZero: true } },
        plugins: { legend: { position: 'bottom' } },
      },
    })
    table.parentNode.classList.add('sr-only')
    document.documentElement.setAttribute('data-charts-drawn', String(Number(document.documentElement.getAttribute('data-charts-drawn') || 0) + 1))
  }
  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('table[data-chart]'), draw)
  })
})()
