/// A table of aligned columns for the terminal, measured in display columns (``DisplayWidth``), that fits a width.
///
/// Rows can be added page by page or one at a time (a live stream): ``widen(for:)`` grows the columns to what it is
/// shown, ``render(_:)`` lays one row out. When the columns are wider than ``maximumWidth``, the widest shrinkable
/// columns give up space first and their cells end in `…`.
struct TextTable: Sendable {
    struct Column: Sendable {
        var title: String
        /// Numbers align right.
        var alignRight = false
        /// May be cut to fit the width; the others never are.
        var shrinkable = true
        /// Width the column starts with (so a live table does not jump with every row).
        var minimumWidth = 0
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
        let fitted = fittedWidths
        var parts: [String] = []
        for (index, width) in fitted.enumerated() {
            let cell = DisplayWidth.truncate(DisplayWidth.printable(index < row.count ? row[index] : ""), to: width)
            let last = index == fitted.count - 1
            parts.append(last && !columns[index].alignRight
                ? cell : DisplayWidth.pad(cell, to: width, right: columns[index].alignRight))
        }
        return parts.joined(separator: Self.gap)
    }

    /// The widths after shrinking the widest shrinkable columns until the row fits.
    var fittedWidths: [Int] {
        var fitted = widths
        guard let maximumWidth else { return fitted }
        var excess = fitted.reduce(0, +) + Self.gap.count * (fitted.count - 1) - maximumWidth
        while excess > 0 {
            let candidates = fitted.indices.filter { columns[$0].shrinkable && fitted[$0] > Self.narrowest }
            guard let widest = candidates.max(by: { fitted[$0] < fitted[$1] }) else { break }
            fitted[widest] -= 1
            excess -= 1
        }
        return fitted
    }
}
