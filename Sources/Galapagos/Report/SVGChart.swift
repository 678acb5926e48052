import Foundation

/// Small self-contained SVG charts for reports: no scripts, no external resources.
struct SVGChart {
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        var color: String
        var dashed = false
        /// A dot per point, with a tooltip and, when served, a link (the Pareto front's
        /// programs); `nil` draws the line alone.
        var marks: [Mark]? = nil
    }

    /// A point's dot: its tooltip and the page it opens.
    struct Mark {
        var title: String
        var link: String?
    }

    /// A shaded region between a lower and an upper curve over the same x values.
    struct Band {
        var name: String
        var points: [(x: Double, low: Double, high: Double)]
        var color: String
    }

    /// A labelled horizontal line (a target, a final score).
    struct Reference {
        var name: String
        var y: Double
        var color: String
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var width = 640.0
    var height = 320.0
    /// Start the x axis at 0 (individuals, seconds) rather than at the first point.
    var xFromZero = true

    static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf",
    ]

    /// A line chart of the series over optional bands and reference lines; empty series are
    /// skipped. The SVG scales to its container's width (its viewBox keeps the proportions).
    func lines(_ series: [Series], bands: [Band] = [], references: [Reference] = []) -> String {
        let shown = series.filter { !$0.points.isEmpty }
        let all = shown.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
            + bands.flatMap { band in band.points.flatMap { [(x: $0.x, y: $0.low), (x: $0.x, y: $0.high)] } }
                .filter { $0.x.isFinite && $0.y.isFinite }
        let left = 60.0, right = 170.0, top = 30.0, bottom = 45.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let legendCount = shown.count + bands.count + references.count
        let legendBottom = top + 12 + Double(legendCount) * 14
        let canvasHeight = Int(max(height, legendBottom).rounded(.up))
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(canvasHeight)\""
            + " style=\"width:100%;max-width:\(Int(width))px;height:auto\" role=\"img\" aria-label=\"\(escape(title))\">"
        svg += "<text x=\"\(left)\" y=\"18\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>"
        let ys = all.map(\.y) + references.map(\.y).filter(\.isFinite)
        guard var minX = all.map(\.x).min(), let maxX = all.map(\.x).max(),
              var minY = ys.min(), var maxY = ys.max()
        else {
            return svg + "<text x=\"\(left)\" y=\"\(top + 40)\" font-size=\"12\">no data yet</text></svg>"
        }
        if xFromZero { minX = min(0, minX) }
        if maxY - minY < 1e-12 { minY -= 0.5; maxY += 0.5 }
        let xTicks = Self.niceTicks(minX, maxX), yTicks = Self.niceTicks(minY, maxY)
        minY = min(minY, yTicks.first ?? minY)
        maxY = max(maxY, yTicks.last ?? maxY)
        let spanX = max(maxX - minX, 1e-12), spanY = maxY - minY
        func px(_ x: Double) -> Double { left + (x - minX) / spanX * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (y - minY) / spanY) * plotHeight }
        svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\""
            + " fill=\"none\" stroke=\"#999\"/>"
        let yStep = yTicks.count > 1 ? yTicks[1] - yTicks[0] : nil
        for y in yTicks where y >= minY && y <= maxY {
            svg += "<text x=\"\(left - 6)\" y=\"\(fmt(py(y)) + 4)\" font-size=\"10\" text-anchor=\"end\">\(label(y, step: yStep))</text>"
            svg += "<line x1=\"\(left)\" x2=\"\(left + plotWidth)\" y1=\"\(fmt(py(y)))\" y2=\"\(fmt(py(y)))\" stroke=\"#eee\"/>"
        }
        for x in xTicks where x >= minX && x <= maxX {
            svg += "<text x=\"\(fmt(px(x)))\" y=\"\(top + plotHeight + 14)\" font-size=\"10\" text-anchor=\"middle\">\(label(x))</text>"
        }
        svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(height - 8)\" font-size=\"11\" text-anchor=\"middle\">\(escape(xLabel))</text>"
        svg += "<text x=\"14\" y=\"\(top + plotHeight / 2)\" font-size=\"11\" text-anchor=\"middle\""
            + " transform=\"rotate(-90 14 \(top + plotHeight / 2))\">\(escape(yLabel))</text>"
        var legend = 0
        func legendEntry(_ name: String, _ mark: String) {
            let legendY = top + 12 + Double(legend) * 14
            legend += 1
            svg += mark.replacingOccurrences(of: "LEGEND_Y", with: "\(legendY - 4)")
            svg += "<text x=\"\(left + plotWidth + 32)\" y=\"\(legendY)\" font-size=\"10\">\(escape(name))</text>"
        }
        for band in bands where !band.points.isEmpty {
            let upper = band.points.map { "\(fmt(px($0.x))),\(fmt(py($0.high)))" }
            let lower = band.points.reversed().map { "\(fmt(px($0.x))),\(fmt(py($0.low)))" }
            svg += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(band.color)\" fill-opacity=\"0.18\" stroke=\"none\"/>"
            legendEntry(band.name, "<rect x=\"\(left + plotWidth + 10)\" y=\"LEGEND_Y\" width=\"18\" height=\"6\" transform=\"translate(0 -3)\" fill=\"\(band.color)\" fill-opacity=\"0.3\"/>")
        }
        for reference in references where reference.y.isFinite {
            svg += "<line x1=\"\(left)\" x2=\"\(left + plotWidth)\" y1=\"\(fmt(py(reference.y)))\" y2=\"\(fmt(py(reference.y)))\" stroke=\"\(reference.color)\" stroke-width=\"1\" stroke-dasharray=\"6 3\"/>"
            legendEntry(reference.name, "<line x1=\"\(left + plotWidth + 10)\" x2=\"\(left + plotWidth + 28)\" y1=\"LEGEND_Y\" y2=\"LEGEND_Y\" stroke=\"\(reference.color)\" stroke-width=\"2\" stroke-dasharray=\"6 3\"/>")
        }
        for line in shown {
            let path = line.points.filter { $0.x.isFinite && $0.y.isFinite }
                .map { "\(fmt(px($0.x))),\(fmt(py($0.y)))" }.joined(separator: " ")
            let dash = line.dashed ? " stroke-dasharray=\"4 3\"" : ""
            svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.8\"\(dash)/>"
            for (point, mark) in zip(line.points, line.marks ?? []) where point.x.isFinite && point.y.isFinite {
                let dot = "<circle cx=\"\(fmt(px(point.x)))\" cy=\"\(fmt(py(point.y)))\" r=\"4\" fill=\"\(line.color)\">"
                    + "<title>\(escape(mark.title))</title></circle>"
                svg += mark.link.map { "<a href=\"\(escape($0))\">\(dot)</a>" } ?? dot
            }
            legendEntry(line.name, "<line x1=\"\(left + plotWidth + 10)\" x2=\"\(left + plotWidth + 28)\" y1=\"LEGEND_Y\" y2=\"LEGEND_Y\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash)/>")
        }
        return svg + "</svg>"
    }

    /// Round tick values covering [low, high]: steps of 1, 2 or 5 × 10^k, about five ticks.
    static func niceTicks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard low.isFinite, high.isFinite, high > low else { return [low] }
        let rough = (high - low) / Double(count)
        let magnitude = Foundation.pow(10, (Foundation.log10(rough)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= rough } ?? 10 * magnitude
        let first = (low / step).rounded(.down) * step
        var ticks: [Double] = []
        var value = first
        while value <= high + step * 1e-9, ticks.count < 50 {
            ticks.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        if let last = ticks.last, last < high { ticks.append(last + step) }
        return ticks
    }

    /// A horizontal bar chart of labelled values in [0, max].
    func bars(_ values: [(label: String, value: Double, note: String)]) -> String {
        // The note after the longest bar ("12345 pulls, mean reward 0.1234") needs ~200 px.
        let rowHeight = 18.0, left = 190.0, barWidth = width - left - 210
        let chartHeight = 30 + Double(values.count) * rowHeight + 10
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(chartHeight))\""
            + " style=\"width:100%;max-width:\(Int(width))px;height:auto\" role=\"img\" aria-label=\"\(escape(title))\">"
        svg += "<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>"
        let maximum = max(values.map(\.value).max() ?? 1, 1e-12)
        for (index, entry) in values.enumerated() {
            let y = 30 + Double(index) * rowHeight
            let w = max(0, entry.value / maximum * barWidth)
            svg += "<text x=\"\(left - 6)\" y=\"\(y + 12)\" font-size=\"10\" text-anchor=\"end\">\(escape(entry.label))</text>"
            svg += "<rect x=\"\(left)\" y=\"\(y + 2)\" width=\"\(fmt(w))\" height=\"\(rowHeight - 5)\" fill=\"\(Self.palette[index % Self.palette.count])\"/>"
            svg += "<text x=\"\(left + w + 4)\" y=\"\(y + 12)\" font-size=\"10\">\(escape(entry.note))</text>"
        }
        return svg + "</svg>"
    }

    private func fmt(_ value: Double) -> Double { (value * 10).rounded() / 10 }

    /// A tick label: `1.5M`, `200k`, `350`, `0.25` (at most 4 significant digits), with the
    /// decimals that ticks `step` apart need to differ (`371.8`, `372`, `372.2`).
    func label(_ value: Double, step: Double? = nil) -> String {
        let magnitude = abs(value)
        func trimmed(_ text: String) -> String {
            guard text.contains(".") else { return text }
            var text = text
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text
        }
        if magnitude >= 1_000_000 { return trimmed(String(format: "%.2f", value / 1_000_000)) + "M" }
        if magnitude >= 10_000 { return trimmed(String(format: "%.1f", value / 1_000)) + "k" }
        if magnitude >= 100 {
            if let step, step > 0, step < 1 {
                let decimals = min(6, Int((-Foundation.log10(step)).rounded(.up)))
                return trimmed(String(format: "%.\(decimals)f", value))
            }
            return "\(Int(value.rounded()))"
        }
        return trimmed(String(format: "%.4g", value))
    }
}

/// Escapes text for HTML and SVG.
func escape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&#39;"
        default: result.append(character)
        }
    }
    return result
}
