#pragma once
// A plain-text table with aligned columns, for status output on a terminal:
//
//   GROUP               RELAY              DISPLAY NAME
//   ------------------  -----------------  ------------
//   0001@relay-server1  relay-server1@net  Tokyo
//
// A cell may hold several lines ("a\nb"); its row then takes that many lines.

#include <cstddef>
#include <string>
#include <vector>

namespace relaysync::core {

class TextTable {
public:
    enum class Align { left, right };

    struct Column {
        std::string title;
        Align align = Align::left;
    };

    explicit TextTable(std::vector<Column> columns);

    // Missing trailing cells are empty; extra cells are an error (std::invalid_argument).
    void addRow(std::vector<std::string> cells);
    bool empty() const { return rows_.empty(); }
    std::size_t rowCount() const { return rows_.size(); }

    // Every line starts with `indent` and ends with '\n'; trailing blanks are trimmed.
    std::string render(const std::string& indent = "") const;

private:
    std::vector<Column> columns_;
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace relaysync::core
