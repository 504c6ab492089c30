// Runs the network selection of Standley et al. (github.com/tstandley/taskgrouping,
// network_selection/main.cpp) on loss tables given on the command line. Compile next to an
// unchanged copy of their main.cpp (kept outside this project):
//   g++ -O2 -std=c++14 -I PATH/TO/network_selection driver.cpp -o driver
// Prints, per budget 1, 1.5, ..., 5, the networks chosen on the validation table (each as its
// per-task losses with 99 for "not trained on", then its cost) and the chosen networks' total test
// loss, for the trained networks and for the higher-order approximation from pairs.
#define main standley_main
#include "main.cpp"
#undef main

static void print_choice(const char *label, vector<Model> candidates, const vector<Model> &test) {
    for (double budget = 1; budget <= 5; budget += .5) {
        auto chosen = get_best_networks(candidates, vector<Model>(), budget);
        auto on_test = translate_scores_to_test_set(chosen, test);
        Model val_score(score_solution(chosen, chosen[0].performance.size()), 0);
        Model test_score(score_solution(on_test, on_test[0].performance.size()), 0);
        cout.precision(17);
        cout << label << " " << budget << " " << val_score.total_score() << " " << test_score.total_score();
        for (auto &m : chosen) {
            cout << " |";
            for (double p : m.performance) cout << " " << p;
            cout << " cost " << m.cost;
        }
        cout << endl;
    }
}

int main(int argc, char **argv) {
    auto val = get_model_performances(argv[1]);
    auto test = get_model_performances(argv[2]);
    print_choice("optimal", val, test);
    print_choice("hoa", higher_order_approximation(val), test);
    return 0;
}
