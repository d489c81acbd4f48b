module example.org/alliance

go 1.19
