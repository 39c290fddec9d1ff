#include "assembly/text_table.h"

#include <algorithm>
#include <stdexcept>

namespace relaysync::core {

namespace {

std::vector<std::string> linesOf(const std::string& cell) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (true) {
        const auto end = cell.find('\n', start);
        lines.push_back(cell.substr(start, end == std::string::npos ? std::string::npos : end - start));
        if (end == std::string::npos) return lines;
        start = end + 1;
    }
}

void trimRight(std::string& line) {
    line.erase(line.find_last_not_of(' ') + 1);
}

}  // namespace

TextTable::TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

void TextTable::addRow(std::vector<std::string> cells) {
    if (cells.size() > columns_.size())
        throw std::invalid_argument("TextTable: a row of " + std::to_string(cells.size()) + " cells for " +
                                    std::to_string(columns_.size()) + " columns");
    cells.resize(columns_.size());
    rows_.push_back(std::move(cells));
}

std::string TextTable::render(const std::string& indent) const {
    std::vector<std::size_t> widths;
    for (const auto& column : columns_) widths.push_back(column.title.size());
    for (const auto& row : rows_)
        for (std::size_t c = 0; c < row.size(); ++c)
            for (const auto& line : linesOf(row[c])) widths[c] = std::max(widths[c], line.size());

    std::string out;
    auto emit = [&](const std::vector<std::string>& cells) {
        std::string line = indent;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const auto pad = std::string(widths[c] - cells[c].size(), ' ');
            line += columns_[c].align == Align::right ? pad + cells[c] : cells[c] + pad;
            if (c + 1 < cells.size()) line += "  ";
        }
        trimRight(line);
        out += line + '\n';
    };

    std::vector<std::string> titles, rules;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        titles.push_back(columns_[c].title);
        rules.push_back(std::string(widths[c], '-'));
    }
    emit(titles);
    emit(rules);
    for (const auto& row : rows_) {
        std::vector<std::vector<std::string>> cell_lines;
        std::size_t height = 1;
        for (const auto& cell : row) {
            cell_lines.push_back(linesOf(cell));
            height = std::max(height, cell_lines.back().size());
        }
        for (std::size_t l = 0; l < height; ++l) {
            std::vector<std::string> cells;
            for (const auto& lines : cell_lines) cells.push_back(l < lines.size() ? lines[l] : std::string{});
            emit(cells);
        }
    }
    return out;
}

}  // namespace relaysync::core
