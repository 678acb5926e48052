/// Small self-contained SVG charts for reports: no scripts, no external resources.
struct SVGChart {
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
        var color: String
        var dashed = false
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var width = 640.0
    var height = 320.0

    static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf",
    ]

    /// A line chart of the series; empty series are skipped.
    func lines(_ series: [Series]) -> String {
        let all = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        let left = 60.0, right = 150.0, top = 30.0, bottom = 45.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        // The legend (14 px per series) may run below the plot: more than ~10 islands.
        let legendBottom = top + 12 + Double(series.filter { !$0.points.isEmpty }.count) * 14
        let canvasHeight = Int(max(height, legendBottom).rounded(.up))
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(canvasHeight)\""
            + " viewBox=\"0 0 \(Int(width)) \(canvasHeight)\" role=\"img\" aria-label=\"\(escape(title))\">"
        svg += "<text x=\"\(left)\" y=\"18\" font-size=\"14\" font-weight=\"bold\">\(escape(title))</text>"
        guard let minX = all.map(\.x).min(), let maxX = all.map(\.x).max(),
              var minY = all.map(\.y).min(), var maxY = all.map(\.y).max()
        else {
            return svg + "<text x=\"\(left)\" y=\"\(top + 40)\" font-size=\"12\">no data yet</text></svg>"
        }
        if maxY - minY < 1e-12 { minY -= 0.5; maxY += 0.5 }
        let spanX = max(maxX - minX, 1e-12), spanY = maxY - minY
        func px(_ x: Double) -> Double { left + (x - minX) / spanX * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (y - minY) / spanY) * plotHeight }
        svg += "<rect x=\"\(left)\" y=\"\(top)\" width=\"\(plotWidth)\" height=\"\(plotHeight)\""
            + " fill=\"none\" stroke=\"#999\"/>"
        for tick in 0...4 {
            let fraction = Double(tick) / 4
            let y = minY + fraction * spanY, x = minX + fraction * spanX
            svg += "<text x=\"\(left - 6)\" y=\"\(fmt(py(y)) + 4)\" font-size=\"10\" text-anchor=\"end\">\(label(y))</text>"
            svg += "<line x1=\"\(left)\" x2=\"\(left + plotWidth)\" y1=\"\(fmt(py(y)))\" y2=\"\(fmt(py(y)))\" stroke=\"#eee\"/>"
            svg += "<text x=\"\(fmt(px(x)))\" y=\"\(top + plotHeight + 14)\" font-size=\"10\" text-anchor=\"middle\">\(label(x))</text>"
        }
        svg += "<text x=\"\(left + plotWidth / 2)\" y=\"\(height - 8)\" font-size=\"11\" text-anchor=\"middle\">\(escape(xLabel))</text>"
        svg += "<text x=\"14\" y=\"\(top + plotHeight / 2)\" font-size=\"11\" text-anchor=\"middle\""
            + " transform=\"rotate(-90 14 \(top + plotHeight / 2))\">\(escape(yLabel))</text>"
        for (index, line) in series.filter({ !$0.points.isEmpty }).enumerated() {
            let path = line.points.filter { $0.x.isFinite && $0.y.isFinite }
                .map { "\(fmt(px($0.x))),\(fmt(py($0.y)))" }.joined(separator: " ")
            let dash = line.dashed ? " stroke-dasharray=\"4 3\"" : ""
            svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.5\"\(dash)/>"
            let legendY = top + 12 + Double(index) * 14
            svg += "<line x1=\"\(left + plotWidth + 10)\" x2=\"\(left + plotWidth + 28)\" y1=\"\(legendY - 4)\" y2=\"\(legendY - 4)\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash)/>"
            svg += "<text x=\"\(left + plotWidth + 32)\" y=\"\(legendY)\" font-size=\"10\">\(escape(line.name))</text>"
        }
        return svg + "</svg>"
    }

    /// A horizontal bar chart of labelled values in [0, max].
    func bars(_ values: [(label: String, value: Double, note: String)]) -> String {
        // The note after the longest bar ("12345 pulls, mean reward 0.1234") needs ~200 px.
        let rowHeight = 18.0, left = 190.0, barWidth = width - left - 210
        let chartHeight = 30 + Double(values.count) * rowHeight + 10
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(chartHeight))\""
            + " viewBox=\"0 0 \(Int(width)) \(Int(chartHeight))\" role=\"img\" aria-label=\"\(escape(title))\">"
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

    private func label(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return "\((value / 100_000).rounded() / 10)M" }
        if magnitude >= 10_000 { return "\(Int((value / 1_000).rounded()))k" }
        if magnitude >= 100 { return "\(Int(value.rounded()))" }
        return "\((value * 10_000).rounded() / 10_000)"
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
