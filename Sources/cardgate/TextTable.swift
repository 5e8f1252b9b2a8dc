/// A table of aligned columns for the terminal, measured in display columns (``DisplayWidth``), that fits a width.
///
/// Rows can be added page by page or one at a time (a live stream): ``widen(for:)`` grows the columns to what it is
/// shown, ``render(_:)`` lays one row out. When the columns are wider than ``maximumWidth``, the widest shrinkable
/// columns give up space first and their cells end in `…`; when that is not enough, the columns with a
/// ``Column/hideRank`` are left out, the lowest rank first.
struct TextTable: Sendable {
    struct Column: Sendable {
        var title: String
        /// Numbers align right.
        var alignRight = false
        /// May be cut to fit the width; the others never are.
        var shrinkable = true
        /// Width the column starts with (so a live table does not jump with every row).
        var minimumWidth = 0
        /// Left out on a narrow terminal, lowest rank first; nil: always shown.
        var hideRank: Int?
    }

    /// Space between columns.
    static let gap = "  "
    /// Columns shrink no further than this.
    static let narrowest = 6

    var columns: [Column]
    /// The terminal's width; nil: no limit (a pipe or a file).
    var maximumWidth: Int?
    private(set) var widths: [Int]

    init(columns: [Column], maximumWidth: Int?) {
        self.columns = columns
        self.maximumWidth = maximumWidth
        widths = columns.map { max(DisplayWidth.of($0.title), $0.minimumWidth) }
    }

    /// Grows the columns to hold `rows`.
    mutating func widen(for rows: [[String]]) {
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count {
                widths[index] = max(widths[index], DisplayWidth.of(DisplayWidth.printable(cell)))
            }
        }
    }

    /// The header line.
    var header: String { render(columns.map(\.title)) }

    /// One row laid out in the columns, fitted to ``maximumWidth``; the last column is not padded.
    func render(_ row: [String]) -> String {
        let layout = fittedLayout
        var parts: [String] = []
        for (position, (index, width)) in layout.enumerated() {
            let cell = DisplayWidth.truncate(DisplayWidth.printable(index < row.count ? row[index] : ""), to: width)
            let last = position == layout.count - 1
            parts.append(last && !columns[index].alignRight
                ? cell : DisplayWidth.pad(cell, to: width, right: columns[index].alignRight))
        }
        return parts.joined(separator: Self.gap)
    }

    /// The columns shown and their widths: the widest shrinkable columns shrink until the row fits, and while even
    /// the narrowest layout does not, hideable columns are left out.
    var fittedLayout: [(index: Int, width: Int)] {
        var shown = Array(widths.indices)
        while true {
            var fitted = shown.map { (index: $0, width: widths[$0]) }
            guard let maximumWidth else { return fitted }
            var excess = fitted.reduce(0) { $0 + $1.width } + Self.gap.count * (fitted.count - 1) - maximumWidth
            while excess > 0 {
                let candidates = fitted.indices.filter {
                    columns[fitted[$0].index].shrinkable && fitted[$0].width > Self.narrowest
                }
                guard let widest = candidates.max(by: { fitted[$0].width < fitted[$1].width }) else { break }
                fitted[widest].width -= 1
                excess -= 1
            }
            let hideable = shown.filter { columns[$0].hideRank != nil }
            guard excess > 0, let next = hideable.min(by: { (columns[$0].hideRank ?? 0) < (columns[$1].hideRank ?? 0) })
            else { return fitted }
            shown.removeAll { $0 == next }
        }
    }
}
